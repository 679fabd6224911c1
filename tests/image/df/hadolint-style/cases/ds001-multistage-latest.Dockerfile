# source: Trivy DS-0001 latest_tag_test.rego
# expect: DF-003
FROM node:14.18.1-bullseye as dependencies
RUN apt-get update
FROM alpine:latest
