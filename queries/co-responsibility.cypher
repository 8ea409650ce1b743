// Unordered pairs (each once: the department with the smaller id first) with the items they share, summed over
// the pair summaries every document write keeps (per document and pair: the distinct items naming both; an
// item belongs to one document, so the counts add up).
MATCH (s:PairSummary)
WHERE $document IS NULL OR s.doc_id = $document
MATCH (s)-[:FIRST_OF_PAIR]->(a:Department), (s)-[:SECOND_OF_PAIR]->(b:Department)
WHERE $department IS NULL OR $department IN [a.name, a.key, b.name, b.key]
WITH a, b, sum(s.shared) AS shared
WHERE shared >= $min_shared
RETURN a.name AS department_a, b.name AS department_b, shared
ORDER BY shared DESC, department_a, department_b, a.id, b.id
LIMIT $limit
