-- Erasure markers: the archive writer asks, for every batch, when its customers were last erased.
create index audit_log_erasures on audit_log (customer_id, at) where action = 'erase';

-- Retention finds conversations by the time they ended (or started, when their end was never seen).
create index conversation_retention on conversation ((coalesce(ended_at, started_at)));

-- Retention removes guest sessions left without conversations: the foreign keys that point at a session or a
-- customer are checked on every delete, so they need an index on the referencing side.
create index identity_link_from_session on identity_link (from_session_id);
create index identity_link_to_session on identity_link (to_session_id);
create index guest_session_customer on guest_session (customer_id);
create index identity_link_conversation on identity_link (conversation_id);
