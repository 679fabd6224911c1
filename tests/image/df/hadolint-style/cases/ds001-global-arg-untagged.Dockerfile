# source: Trivy DS-0001 latest_tag_test.rego
# expect: DF-003
ARG IMAGE=all-in-one
FROM alpine:3.5
FROM $IMAGE
CMD ["python", "/usr/src/app/app.py"]
