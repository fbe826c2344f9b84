-- History API conversation lists page newest first by keyset (started_at, id): with the id in the index a page
-- (after the cursor) is one index range scan, whatever the customer's number of conversations. It replaces
-- conversation_customer_started, its prefix, so ingest keeps maintaining one index for this, not two.
create index conversation_customer_started_id on conversation (customer_id, started_at desc, id desc);
drop index conversation_customer_started;
