"""The graph stores: what every store offers (base), the registry that opens one, the embedded Oxigraph store and a
SPARQL endpoint (rdf_*, sparql_*), Neo4j (neo4j_*, cypher_codec), and the per-document summaries both keep."""
