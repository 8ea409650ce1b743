// National tasks with no follow-up: no chain of 1-3 IMPLEMENTS links from an item at $level (and in
// $jurisdiction) to the task; with $confident_only every link of the chain must have review=false.
// One link first, then two or three: most national tasks are followed by a direct link, and the first EXISTS
// stops at it (at 100,000 tasks, provincial level: 450 -> 20 ms; 江西省's provincial follow-up 2.0-2.5 -> 0.4-0.6 s).
// A school's measures restate its province's rows, rarely a national task: for schools of a jurisdiction, one
// pattern of one to three links (the two steps took 0.3 -> 1.6 s for 江西省's schools).
// When no item at $level (in $jurisdiction) has a link at all, every national task is a gap: said at once,
// instead of exploring every chain below each task (at 100,000 tasks, a level or a place no linked document
// has: 7.7-8.2 s -> 16-38 ms).
WITH EXISTS {
  MATCH (xd:Document)
  WHERE (xd.level = $level OR xd.level STARTS WITH $level + '+' OR $level = 'institution')
    AND coalesce(xd.jurisdiction, '') CONTAINS coalesce($jurisdiction, '')
  MATCH (:Task {doc_id: xd.doc_id})-[:HAS_MEASURE*0..1]->(x)-[r:IMPLEMENTS]->()
  WHERE NOT (coalesce($confident_only, true) AND r.review)
    AND (CASE WHEN x:SchoolMeasure THEN 'institution'
              WHEN xd.level CONTAINS '+' THEN split(xd.level, '+')[0] ELSE xd.level END) = $level
} AS linked
MATCH (nd:Document {level: 'national'})-[:HAS_TASK]->(t:Task)
WHERE NOT linked OR CASE WHEN $jurisdiction IS NOT NULL AND $level = 'institution' THEN
  NOT EXISTS {
    MATCH p = (x)-[:IMPLEMENTS*1..3]->(t)
    MATCH (xd:Document {doc_id: x.doc_id})
    WHERE (NOT coalesce($confident_only, true) OR all(r IN relationships(p) WHERE NOT r.review))
      AND (CASE WHEN x:SchoolMeasure THEN 'institution'
                WHEN xd.level CONTAINS '+' THEN split(xd.level, '+')[0] ELSE xd.level END) = $level
      AND coalesce(xd.jurisdiction, '') CONTAINS $jurisdiction
  }
ELSE
  NOT EXISTS {
    MATCH (x)-[r:IMPLEMENTS]->(t)
    WHERE NOT (coalesce($confident_only, true) AND r.review)
    MATCH (xd:Document {doc_id: x.doc_id})
    WHERE (CASE WHEN x:SchoolMeasure THEN 'institution'
                WHEN xd.level CONTAINS '+' THEN split(xd.level, '+')[0] ELSE xd.level END) = $level
      AND coalesce(xd.jurisdiction, '') CONTAINS coalesce($jurisdiction, '')
  } AND NOT EXISTS {
    MATCH p = (x)-[:IMPLEMENTS*2..3]->(t)
    WHERE NOT coalesce($confident_only, true) OR all(r IN relationships(p) WHERE NOT r.review)
    MATCH (xd:Document {doc_id: x.doc_id})
    WHERE (CASE WHEN x:SchoolMeasure THEN 'institution'
                WHEN xd.level CONTAINS '+' THEN split(xd.level, '+')[0] ELSE xd.level END) = $level
      AND coalesce(xd.jurisdiction, '') CONTAINS coalesce($jurisdiction, '')
  }
END
RETURN t.id AS task, nd.doc_id AS document, t.task_no AS task_no, t.text AS text
ORDER BY document, coalesce(t.seq, -1), task_no, task
