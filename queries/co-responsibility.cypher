// Unordered pairs (each once: the node with the smaller id first) with their shared tasks.
MATCH (a:Department)<-[:LEAD|SUPPORT]-(item)-[:LEAD|SUPPORT]->(b:Department)
WHERE a.id < b.id
  AND ($document IS NULL OR item.doc_id = $document)
  AND ($department IS NULL OR a.name = $department OR a.key = $department
       OR b.name = $department OR b.key = $department)
WITH a, b, count(DISTINCT item) AS shared
WHERE shared >= $min_shared
RETURN a.name AS department_a, b.name AS department_b, shared
ORDER BY shared DESC, department_a, department_b, a.id, b.id
LIMIT $limit
