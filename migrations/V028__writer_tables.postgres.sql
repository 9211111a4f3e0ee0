-- The SQLite store's V028 rebuilds its audit log without AUTOINCREMENT for its single writer.
-- PostgreSQL's audit ids come from a sequence already: nothing changes here.
SELECT 1;
