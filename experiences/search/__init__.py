"""Search: one document per searchable thing, kept in step by receivers; Chinese queries
cut by jieba, matched on PostgreSQL's GIN index or SQLite, ranked and highlighted."""
