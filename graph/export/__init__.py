"""Writing the graph or a part of it as files: GraphML, CSV, HTML (files) and RDF serialisations (rdf)."""
