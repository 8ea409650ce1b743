// Tasks and school measures whose text contains $keyword, in document order (the document id's first fifteen
// characters, then the item's place in it).
MATCH (item)
WHERE (item:Task OR item:SchoolMeasure)
  AND coalesce(item.text, item.measure) CONTAINS $keyword
  AND ($document IS NULL OR item.doc_id = $document)
OPTIONAL MATCH (parent:Task)-[:HAS_MEASURE]->(item)
WITH item, parent, coalesce(item.seq, parent.seq, -1) AS seq
ORDER BY left(item.doc_id, 15), seq, item.doc_id, item.task_no, item.id
LIMIT $limit
OPTIONAL MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WITH item, parent, seq, collect(DISTINCT d.name) AS departments
RETURN item.doc_id AS document, item.task_no AS task_no, coalesce(item.section, parent.section) AS section,
       coalesce(item.text, item.measure) AS text, departments, item.deadline_text AS deadline
ORDER BY left(document, 15), seq, document, task_no, item.id
