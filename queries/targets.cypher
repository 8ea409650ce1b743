// Targets in document order: the document id's first fifteen characters, the task's place in it, the target's
// place in the task, then the whole id.
MATCH (t)-[:HAS_TARGET]->(tg:Target)
WHERE tg.text IS NOT NULL
  AND ($document IS NULL OR t.doc_id = $document)
  AND ($unit IS NULL OR tg.unit = $unit)
RETURN t.doc_id AS document, t.task_no AS task_no, tg.text AS target, tg.value AS value,
       tg.value_high AS value_high, tg.unit AS unit, coalesce(tg.qualifier, 'exact') AS qualifier, tg.object AS object
ORDER BY left(document, 15), coalesce(t.seq, -1), coalesce(tg.span_start, -1), document, task_no, target, tg.id
LIMIT $limit
