MATCH (item)
WHERE (item:Task OR item:SchoolMeasure)
  AND coalesce(item.text, item.measure) CONTAINS $keyword
  AND ($document IS NULL OR item.doc_id = $document)
OPTIONAL MATCH (parent:Task)-[:HAS_MEASURE]->(item)
OPTIONAL MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WITH item, parent, collect(DISTINCT d.name) AS departments
RETURN item.doc_id AS document, item.task_no AS task_no, coalesce(item.section, parent.section) AS section,
       coalesce(item.text, item.measure) AS text, departments, item.deadline_text AS deadline
ORDER BY document, coalesce(item.seq, parent.seq, -1), task_no, item.id
LIMIT $limit
