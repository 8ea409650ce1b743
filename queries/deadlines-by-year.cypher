// Tasks per deadline year and kind, from the deadline summaries every document write keeps.
MATCH (s:DeadlineSummary)
WHERE ($document IS NULL OR s.doc_id = $document)
  AND ($kind IS NULL OR s.kind = $kind)
WITH s.year AS year, s.kind AS kind, sum(s.items) AS tasks
RETURN year, kind, tasks
ORDER BY coalesce(year, 99999), kind
