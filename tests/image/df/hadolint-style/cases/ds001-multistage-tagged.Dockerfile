# source: Trivy DS-0001 latest_tag_test.rego
# expect-not: DF-003
FROM golang:1.15 as builder
RUN apt-get update
FROM alpine:3.13
