// Tasks ranked by the departments they name (department_count, kept on each task by every document write),
// ordered by that count, the document id's first fifteen characters, then the task's place in its document.
MATCH (t:Task)
WHERE t.department_count >= $min_departments
  AND ($document IS NULL OR t.doc_id = $document)
WITH t ORDER BY t.department_count DESC, left(t.doc_id, 15), coalesce(t.seq, -1), t.doc_id, t.task_no, t.id
LIMIT $limit
OPTIONAL MATCH (t)-[:LEAD|SUPPORT]->(d:Department)
WITH t, collect(DISTINCT d.name) AS names
RETURN t.doc_id AS document, t.task_no AS task_no, t.section AS section, t.text AS text,
       t.department_count AS departments, names
ORDER BY departments DESC, left(document, 15), coalesce(t.seq, -1), document, task_no, t.id
