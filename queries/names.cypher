// The names the other questions accept, of one kind: departments (key and name), documents (id and title) or
// tasks (node id and text, with document and number); $document keeps one document (or its tasks). Sorted on
// the id, from the first id after $after (the last of the previous page), and stops at the limit.
CALL {
  MATCH (d:Department) WHERE $kind = 'department'
  RETURN d.key AS id, d.name AS name, null AS document, null AS task_no
  UNION ALL
  MATCH (d:Document) WHERE $kind = 'document' AND ($document IS NULL OR d.doc_id = $document)
  RETURN d.doc_id AS id, d.title AS name, d.doc_id AS document, null AS task_no
  UNION ALL
  MATCH (t:Task) WHERE $kind = 'task' AND ($document IS NULL OR t.doc_id = $document)
  RETURN t.id AS id, t.text AS name, t.doc_id AS document, t.task_no AS task_no
}
WITH id, name, document, task_no WHERE $after IS NULL OR id > $after
RETURN $kind AS kind, id, name, document, task_no
ORDER BY id
LIMIT $limit
