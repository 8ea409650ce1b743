MATCH (t)-[:HAS_TARGET]->(tg:Target)
WHERE tg.text IS NOT NULL
  AND ($document IS NULL OR t.doc_id = $document)
  AND ($unit IS NULL OR tg.unit = $unit)
RETURN t.doc_id AS document, t.task_no AS task_no, tg.text AS target, tg.value AS value,
       tg.value_high AS value_high, tg.unit AS unit, tg.qualifier AS qualifier, tg.object AS object
ORDER BY document, coalesce(t.seq, -1), task_no, coalesce(tg.span_start, -1), target, tg.id
LIMIT $limit
