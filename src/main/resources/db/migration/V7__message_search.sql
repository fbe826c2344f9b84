-- Full-text search over message text (History API search). The text-search configuration comes from
-- carryover.history.search-configuration (Flyway placeholder), and every search query repeats exactly this expression,
-- so the planner can use the index.
--
-- An expression index rather than a stored generated tsvector column: the archive writer inserts in unnest batches,
-- and both ways compute to_tsvector once per inserted row (same insert cost, measured), but a stored column also
-- writes the vector (about twice the text's size) into the heap and its WAL, and adding it rewrites the whole table
-- under an exclusive lock, blocking the writer; this index can be built CONCURRENTLY beforehand (below), and so can
-- its successor for another configuration. The price is at query time: ranking re-parses every matching message,
-- which dominates searches for very frequent terms (README, History API search, has the numbers).
--
-- Flyway's checksum is taken before placeholders are replaced: changing the configuration does not rebuild this
-- index (see README, History API search). On a large existing archive, build it by hand first, without blocking the
-- writer (same name and expression; this statement then does nothing):
--   create index concurrently message_text_search on message using gin (to_tsvector('<cfg>'::regconfig, text));
create index if not exists message_text_search on message
    using gin (to_tsvector('${search_configuration}'::regconfig, text));

-- Statistics for the index expression: without them the planner guesses that every word matches a fixed share of
-- the table and picks poor (parallel, JIT-compiled) plans for rare words.
analyze message;
