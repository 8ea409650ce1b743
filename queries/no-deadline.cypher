// Tasks with no deadline per document and department, from the department summaries every document write keeps;
// ordered by the count, the document id's first fifteen characters, the department, then the whole id.
MATCH (s:DepartmentSummary)-[:SUMMARIZES]->(d:Department)
WHERE s.no_deadline > 0
  AND ($document IS NULL OR s.doc_id = $document)
  AND ($level IS NULL OR d.level = $level)
RETURN s.doc_id AS document, d.name AS department, s.no_deadline AS tasks
ORDER BY tasks DESC, left(document, 15), department, document, d.id
LIMIT $limit
