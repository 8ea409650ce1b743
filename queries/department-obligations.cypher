// Tasks of one department, optionally with its units (SUB_ORGANIZATION_OF*0.., zero steps = itself), in document
// order (the document id's first fifteen characters, the item's place in it, the whole id).
MATCH (top:Department)
WHERE top.name = $department OR top.key = $department
MATCH (u:Department)-[:SUB_ORGANIZATION_OF*0..]->(top)
WHERE u = top OR $with_units
WITH DISTINCT u
MATCH (item)-[r:LEAD|SUPPORT]->(u)
WHERE $document IS NULL OR item.doc_id = $document
OPTIONAL MATCH (parent:Task)-[:HAS_MEASURE]->(item)
WITH u, item, r, parent, coalesce(item.seq, parent.seq, -1) AS seq,
     CASE type(r) WHEN 'LEAD' THEN 'lead' ELSE 'support' END AS role
ORDER BY left(item.doc_id, 15), seq, item.doc_id, item.task_no, item.id, u.name, role
LIMIT $limit
OPTIONAL MATCH (item)-[:HAS_DEADLINE]->(dl:Deadline)
OPTIONAL MATCH (item)-[:HAS_TARGET]->(tg:Target)
WITH u, item, role, parent, seq, min(dl.end) AS due, collect(DISTINCT tg.text) AS targets
RETURN u.name AS unit, role,
       item.doc_id AS document, item.task_no AS task_no, coalesce(item.section, parent.section) AS section,
       coalesce(item.text, item.measure) AS text, item.deadline_text AS deadline, due, targets
ORDER BY left(document, 15), seq, document, task_no, item.id, unit, role
