// Unordered pairs (each once: the department with the smaller id first) with the items they share. Over the
// whole store: the pair totals every document write keeps (graph/stores/neo4j_totals.py); within one document:
// counted from its items' edges (per pair: the distinct items naming both), each pair in its total's order. Three
// branches, one per case; with neither a document nor a department, only the totals at or above the cut (the
// limit-th highest, read from the index on `total`) reach their departments.
CALL {
  MATCH (p:PairSummary)
  WHERE $document IS NULL AND $department IS NULL AND p.total >= $min_shared
  WITH p.total AS total ORDER BY total DESC LIMIT $limit
  WITH min(total) AS cut
  MATCH (p:PairSummary) WHERE p.total >= cut
  MATCH (p)-[:TOTAL_FIRST]->(a:Department), (p)-[:TOTAL_SECOND]->(b:Department)
  RETURN a, b, p.total AS shared
  UNION ALL
  MATCH (x:Department)
  WHERE $document IS NULL AND (x.name = $department OR x.key = $department)
  MATCH (x)<-[:TOTAL_FIRST|TOTAL_SECOND]-(p:PairSummary)
  WITH DISTINCT p WHERE p.total >= $min_shared
  MATCH (p)-[:TOTAL_FIRST]->(a:Department), (p)-[:TOTAL_SECOND]->(b:Department)
  RETURN a, b, p.total AS shared
  UNION ALL
  CALL { MATCH (x:Task {doc_id: $document}) RETURN x UNION MATCH (x:SchoolMeasure {doc_id: $document}) RETURN x }
  MATCH (x)-[:LEAD|SUPPORT]->(d1:Department), (x)-[:LEAD|SUPPORT]->(d2:Department)
  WHERE elementId(d1) < elementId(d2)
  WITH d1, d2, count(DISTINCT x) AS shared WHERE shared >= $min_shared
  MATCH (d1)<-[:TOTAL_FIRST|TOTAL_SECOND]-(p:PairSummary)-[:TOTAL_FIRST|TOTAL_SECOND]->(d2)
  MATCH (p)-[:TOTAL_FIRST]->(a:Department), (p)-[:TOTAL_SECOND]->(b:Department)
  WHERE $department IS NULL OR $department IN [a.name, a.key, b.name, b.key]
  RETURN a, b, shared
}
RETURN a.name AS department_a, b.name AS department_b, shared
ORDER BY shared DESC, department_a, department_b, a.id, b.id
LIMIT $limit
