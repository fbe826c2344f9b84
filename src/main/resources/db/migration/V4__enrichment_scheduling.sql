-- PARKED: given up without a retry in sight, for an operator to look at (outcome and last_error say why): the
-- Platform forbids the call (403), or it still does not know the conversation's first message after the not-found
-- cut-off (another org's deployment, a misrouted region).
alter table enrichment_job drop constraint enrichment_job_state;
alter table enrichment_job add constraint enrichment_job_state
    check (state in ('PENDING', 'DONE', 'FAILED', 'PARKED'));

-- Claim order: first attempts ahead of retries, newest conversation first (a summary is worth most in the first
-- minute). enrichment_job_due (next_attempt_at) stays for the backlog metrics.
create index enrichment_job_claim on enrichment_job ((attempts = 0) desc, first_echo_at desc) where state = 'PENDING';
