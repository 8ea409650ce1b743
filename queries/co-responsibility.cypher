// Unordered pairs (each once: the node with the smaller id first) with their shared tasks. Each item's
// departments are read once (with their ids and whether they are the department asked for), and its pairs are
// made from that list: an item counts once per pair, so count(*) is the number of distinct items.
MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WHERE $document IS NULL OR item.doc_id = $document
WITH item, collect(DISTINCT d) AS named
WHERE size(named) > 1
WITH [d IN named | {n: d, id: d.id,
                    hit: $department IS NULL OR d.name = $department OR d.key = $department}] AS ds
UNWIND ds AS a
UNWIND ds AS b
WITH a, b
WHERE a.id < b.id AND (a.hit OR b.hit)
WITH a.n AS a, b.n AS b, count(*) AS shared
WHERE shared >= $min_shared
RETURN a.name AS department_a, b.name AS department_b, shared
ORDER BY shared DESC, department_a, department_b, a.id, b.id
LIMIT $limit
