// A task's chain: "up" = links from the task or anything it implements (transitively), "down" = links into
// the task or anything that implements it. Level = the document's level (first part of a combined level),
// or 'institution' for a school measure.
// The start is found through the id indexes of the two labels a task id can name (not a scan of every node).
CALL {
  MATCH (t:Task {id: $task}) RETURN t AS start
  UNION
  MATCH (m:SchoolMeasure {id: $task}) RETURN m AS start
}
CALL {
  WITH start
  MATCH (start)-[:IMPLEMENTS*0..]->(lower)-[r:IMPLEMENTS]->(higher)
  RETURN 'up' AS direction, lower, r, higher
  UNION
  WITH start
  MATCH (lower)-[r:IMPLEMENTS]->(higher)-[:IMPLEMENTS*0..]->(start)
  RETURN 'down' AS direction, lower, r, higher
}
WITH DISTINCT direction, lower, r, higher
WHERE NOT coalesce($confident_only, false) OR NOT r.review
MATCH (ld:Document {doc_id: lower.doc_id})
MATCH (hd:Document {doc_id: higher.doc_id})
RETURN direction, lower.id AS lower,
       CASE WHEN lower:SchoolMeasure THEN 'institution'
            WHEN ld.level CONTAINS '+' THEN split(ld.level, '+')[0] ELSE ld.level END AS lower_level,
       lower.doc_id AS lower_document, lower.task_no AS lower_task_no,
       coalesce(lower.text, lower.measure, '') AS lower_text, coalesce(lower.goals, []) AS lower_goals,
       higher.id AS higher,
       CASE WHEN higher:SchoolMeasure THEN 'institution'
            WHEN hd.level CONTAINS '+' THEN split(hd.level, '+')[0] ELSE hd.level END AS higher_level,
       higher.doc_id AS higher_document, higher.task_no AS higher_task_no, higher.text AS higher_text,
       r.score AS score, r.review AS review
ORDER BY direction, score DESC, lower, higher
