MATCH (t:Task)-[:LEAD|SUPPORT]->(d:Department)
WHERE $document IS NULL OR t.doc_id = $document
WITH t, count(DISTINCT d) AS departments, collect(DISTINCT d.name) AS names
WHERE departments >= $min_departments
RETURN t.doc_id AS document, t.task_no AS task_no, t.section AS section, t.text AS text, departments, names
ORDER BY departments DESC, document, coalesce(t.seq, -1), task_no, t.id
LIMIT $limit
