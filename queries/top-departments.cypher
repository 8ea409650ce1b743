// Departments ranked by tasks carried (tasks and school measures), lead and support counted apart, from the
// department summaries every document write keeps (one per document and department it names). The scan starts
// from the summaries (one SUMMARIZES edge each), not from the departments (whose edges include every task's).
MATCH (s:DepartmentSummary)
USING SCAN s:DepartmentSummary
WHERE $document IS NULL OR s.doc_id = $document
MATCH (s)-[:SUMMARIZES]->(d:Department)
WHERE ($level IS NULL OR d.level = $level)
  AND ($function IS NULL OR d.function = $function)
  AND ($jurisdiction IS NULL OR d.jurisdiction = $jurisdiction)
WITH d, sum(s.lead) AS lead, sum(s.support) AS support, sum(s.items) AS total
RETURN d.name AS department, d.key AS key, d.level AS level, d.jurisdiction AS jurisdiction,
       d.function AS function, lead, support, total
ORDER BY total DESC, lead DESC, department, d.id
LIMIT $limit
