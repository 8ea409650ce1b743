// date() accepts a date or its ISO string, whichever the store wrote.
MATCH (item)-[:HAS_DEADLINE]->(dl:Deadline)
WHERE dl.end IS NOT NULL AND date(dl.end) <= $date
  AND ($document IS NULL OR item.doc_id = $document)
  AND ($department IS NULL OR EXISTS {
        MATCH (item)-[:LEAD|SUPPORT]->(named:Department)
        WHERE named.name = $department OR named.key = $department })
WITH item, min(date(dl.end)) AS due
OPTIONAL MATCH (parent:Task)-[:HAS_MEASURE]->(item)
OPTIONAL MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WITH item, due, parent, collect(DISTINCT d.name) AS departments
RETURN due, item.doc_id AS document, item.task_no AS task_no, coalesce(item.text, item.measure) AS text,
       item.deadline_text AS deadline, departments
ORDER BY due, document, coalesce(item.seq, parent.seq, -1), task_no, item.id
LIMIT $limit
