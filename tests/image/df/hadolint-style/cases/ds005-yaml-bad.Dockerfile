# source: Trivy add_instead_of_copy.yaml bad
# expect: DF-012
FROM alpine:3.13
USER mike
ADD "/target/resources.tar.gz" "resources.jar"
ADD "/target/app.jar" "app.jar"
