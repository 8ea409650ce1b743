// Targets in document order: the document id's first fifteen characters, the task's place in it, the target's
// place in the task, then the whole id. The documents are sorted first (a few thousand), so the targets are read
// a document at a time in that order and the sort stops at the limit (a partial top), never sorting them all.
MATCH (doc:Document)
WHERE $document IS NULL OR doc.doc_id = $document
WITH doc.doc_id AS document, left(doc.doc_id, 15) AS head
ORDER BY head
MATCH (t)-[:HAS_TARGET]->(tg:Target {_doc: document})
WHERE tg.text IS NOT NULL AND t.doc_id = document
  AND ($unit IS NULL OR tg.unit = $unit)
RETURN document, t.task_no AS task_no, tg.text AS target, tg.value AS value,
       tg.value_high AS value_high, tg.unit AS unit, coalesce(tg.qualifier, 'exact') AS qualifier, tg.object AS object
ORDER BY head, coalesce(t.seq, -1), coalesce(tg.span_start, -1), document, task_no, target, tg.id
LIMIT $limit
