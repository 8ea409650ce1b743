// Items due on or before $date: each item's earliest end date, ordered by it, then the document id's first
// fifteen characters, then the item's place in its document. date() accepts a date or its ISO string. A task
// has its own place; only a school measure (no place of its own) looks up the task it answers.
MATCH (item)-[:HAS_DEADLINE]->(dl:Deadline)
WHERE dl.end IS NOT NULL AND date(dl.end) <= $date
  AND ($document IS NULL OR item.doc_id = $document)
  AND ($department IS NULL OR EXISTS {
        MATCH (item)-[:LEAD|SUPPORT]->(named:Department)
        WHERE named.name = $department OR named.key = $department })
WITH item, min(date(dl.end)) AS due
WITH item, due, CASE WHEN item.seq IS NOT NULL THEN item.seq
                     ELSE coalesce(head(COLLECT { MATCH (p:Task)-[:HAS_MEASURE]->(item) RETURN p.seq }), -1) END AS seq
ORDER BY due, left(item.doc_id, 15), seq, item.doc_id, item.task_no, item.id
LIMIT $limit
OPTIONAL MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WITH item, due, seq, collect(DISTINCT d.name) AS departments
RETURN due, item.doc_id AS document, item.task_no AS task_no, coalesce(item.text, item.measure) AS text,
       item.deadline_text AS deadline, departments
ORDER BY due, left(document, 15), seq, document, task_no, item.id
