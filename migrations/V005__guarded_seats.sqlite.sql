-- PostgreSQL's V005 adds the guard its concurrent registration writers need. SQLite has one
-- writer, which decides every order against the counts it alone changes, so it needs nothing;
-- the version stays the same in both dialects.
SELECT 1;
