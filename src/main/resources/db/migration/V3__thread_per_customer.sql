-- A thread token may carry more than one verified customer over time (a shared device): each (deployment, token,
-- customer) is its own archive thread, so one customer's current conversation, closing and correlation never touch
-- another's. Session ids become name-based UUIDs of deployment, token hash and customer id (SessionTracker.sessionId).
alter table guest_session drop constraint guest_session_key;
alter table guest_session add constraint guest_session_key unique (deployment_id, token_hash, customer_id);

-- Existing rows: every conversation moves to the thread of its own customer, under the new id. The id is Java's
-- UUID.nameUUIDFromBytes: MD5 of the UTF-8 name with the version (3) and variant (IETF) bits set.
create function pg_temp.session_id(deployment text, token_hash text, customer uuid) returns uuid
language sql immutable as $$
    select (overlay(overlay(h placing '3' from 13 for 1)
                    placing substr('89ab89ab89ab89ab', get_byte(decode(h, 'hex'), 8) / 16 + 1, 1) from 17 for 1))::uuid
    from md5(convert_to('session' || chr(10) || deployment || chr(10) || token_hash || chr(10) || customer::text,
                        'UTF8')) as h
$$;

alter table conversation drop constraint conversation_session_id_fkey;

create temporary table thread_of_conversation on commit drop as
select c.id as conversation_id, s.id as old_session_id, c.customer_id, s.deployment_id, s.token_hash,
       pg_temp.session_id(s.deployment_id, s.token_hash, c.customer_id) as new_session_id
from conversation c join guest_session s on s.id = c.session_id;

update guest_session s set id = pg_temp.session_id(s.deployment_id, s.token_hash, s.customer_id);

insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
select distinct on (t.new_session_id) t.new_session_id, t.deployment_id, t.token_hash, t.customer_id,
       c.started_at, c.started_at
from thread_of_conversation t join conversation c on c.id = t.conversation_id
order by t.new_session_id, c.started_at
on conflict (id) do nothing;

update conversation c set session_id = t.new_session_id
from thread_of_conversation t where t.conversation_id = c.id;

-- A thread's current conversation is its own newest active one.
update guest_session s set current_conversation_id = (
    select c.id from conversation c where c.session_id = s.id and c.state = 'ACTIVE'
    order by c.started_at desc limit 1);

alter table conversation add constraint conversation_session_id_fkey
    foreign key (session_id) references guest_session (id);

-- Sign-in links: which guest conversation a verified customer took along, from which anonymous key, and when.
-- Ids only, never message text; part of the customer's data (export and erase list it).
create table identity_link (
    id                bigint      generated always as identity primary key,
    conversation_id   uuid        not null references conversation (id) on delete cascade,
    from_customer_id  uuid        not null references customer (id),
    to_customer_id    uuid        not null references customer (id),
    from_session_id   uuid        not null references guest_session (id),
    to_session_id     uuid        not null references guest_session (id),
    linked_at         timestamptz not null
);

create index identity_link_to_customer on identity_link (to_customer_id);
create index identity_link_from_customer on identity_link (from_customer_id);
