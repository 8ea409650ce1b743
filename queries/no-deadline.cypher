MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WHERE NOT (item)-[:HAS_DEADLINE]->(:Deadline)
  AND ($document IS NULL OR item.doc_id = $document)
  AND ($level IS NULL OR d.level = $level)
WITH item.doc_id AS document, d, count(DISTINCT item) AS tasks
RETURN document, d.name AS department, tasks
ORDER BY tasks DESC, document, department, d.id
LIMIT $limit
