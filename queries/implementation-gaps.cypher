// National tasks with no follow-up: no chain of 1-3 IMPLEMENTS links from an item at $level (and in
// $jurisdiction) to the task; with $confident_only every link of the chain must have review=false.
MATCH (nd:Document {level: 'national'})-[:HAS_TASK]->(t:Task)
WHERE NOT EXISTS {
  MATCH p = (x)-[:IMPLEMENTS*1..3]->(t)
  MATCH (xd:Document {doc_id: x.doc_id})
  WHERE (NOT coalesce($confident_only, true) OR all(r IN relationships(p) WHERE NOT r.review))
    AND (CASE WHEN x:SchoolMeasure THEN 'institution'
              WHEN xd.level CONTAINS '+' THEN split(xd.level, '+')[0] ELSE xd.level END) = $level
    AND ($jurisdiction IS NULL OR coalesce(xd.jurisdiction, '') CONTAINS $jurisdiction)
}
RETURN t.id AS task, nd.doc_id AS document, t.task_no AS task_no, t.text AS text
ORDER BY document, coalesce(t.seq, -1), task_no, task
