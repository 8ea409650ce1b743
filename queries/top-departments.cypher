// Departments ranked by tasks carried (tasks and school measures), lead and support counted apart.
MATCH (item)-[r:LEAD|SUPPORT]->(d:Department)
WHERE ($level IS NULL OR d.level = $level)
  AND ($function IS NULL OR d.function = $function)
  AND ($jurisdiction IS NULL OR d.jurisdiction = $jurisdiction)
  AND ($document IS NULL OR item.doc_id = $document)
WITH d,
     count(DISTINCT CASE WHEN type(r) = 'LEAD' THEN item END) AS lead,
     count(DISTINCT CASE WHEN type(r) = 'SUPPORT' THEN item END) AS support,
     count(DISTINCT item) AS total
RETURN d.name AS department, d.key AS key, d.level AS level, d.jurisdiction AS jurisdiction,
       d.function AS function, lead, support, total
ORDER BY total DESC, lead DESC, department, d.id
LIMIT $limit
