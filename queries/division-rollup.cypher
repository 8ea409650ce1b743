// One row for the whole (all), one for the department itself (self), one per unit below it (unit).
MATCH (top:Department)
WHERE top.name = $department OR top.key = $department
MATCH (u:Department)-[:SUB_ORGANIZATION_OF*0..]->(top)
WITH DISTINCT top, u
UNWIND ['all', 'row'] AS part
WITH top, u, CASE part WHEN 'all' THEN 'all' WHEN 'row' THEN CASE WHEN u = top THEN 'self' ELSE 'unit' END END AS relation,
     CASE part WHEN 'all' THEN top ELSE u END AS row
OPTIONAL MATCH (item)-[r:LEAD|SUPPORT]->(u)
WITH row, relation,
     count(DISTINCT CASE WHEN type(r) = 'LEAD' THEN item END) AS lead,
     count(DISTINCT CASE WHEN type(r) = 'SUPPORT' THEN item END) AS support,
     count(DISTINCT item) AS total
RETURN row.name AS unit, relation, row.kind AS kind, lead, support, total
ORDER BY relation, total DESC, lead DESC, unit, row.id
