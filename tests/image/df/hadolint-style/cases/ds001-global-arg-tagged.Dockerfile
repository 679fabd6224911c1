# source: Trivy DS-0001 latest_tag_test.rego
# expect-not: DF-003
ARG IMAGE=alpine:3.12
FROM alpine:3.5
FROM $IMAGE
CMD ["python", "/usr/src/app/app.py"]
