# source: Trivy DS005 test
# expect: DF-012
FROM alpine:3.20
ADD ["app.py", "/app/"]
