MATCH (item)-[:HAS_DEADLINE]->(dl:Deadline)
WHERE dl.kind IS NOT NULL
  AND ($document IS NULL OR item.doc_id = $document)
  AND ($kind IS NULL OR dl.kind = $kind)
WITH dl.year AS year, dl.kind AS kind, count(DISTINCT item) AS tasks
RETURN year, kind, tasks
ORDER BY coalesce(year, 99999), kind
