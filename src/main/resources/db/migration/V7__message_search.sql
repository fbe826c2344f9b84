-- Full-text search over message text (History API search). The text-search configuration comes from
-- carryover.history.search-configuration (Flyway placeholder), and every search query repeats exactly this expression,
-- so the planner can use the index.
--
-- An expression index rather than a stored generated tsvector column: the archive writer inserts in unnest batches,
-- and both ways compute to_tsvector once per inserted row, but a stored column also writes the vector into the heap
-- (and its WAL) next to the text, roughly doubling what each message costs to store, for a saving only at query time
-- (ts_rank on the page's hits). Chat messages are short, so recomputing their vector for ranking is cheap. Changing
-- the configuration later is also cheaper: a new expression index can be built CONCURRENTLY beside this one, while a
-- generated column would have to be rewritten under an exclusive lock of the whole table.
--
-- Flyway's checksum is taken before placeholders are replaced: changing the configuration does not rebuild this
-- index (see README, History API search). On a large existing archive, build it by hand first, without blocking the
-- writer (same name and expression; this statement then does nothing):
--   create index concurrently message_text_search on message using gin (to_tsvector('<cfg>'::regconfig, text));
create index if not exists message_text_search on message
    using gin (to_tsvector('${search_configuration}'::regconfig, text));
