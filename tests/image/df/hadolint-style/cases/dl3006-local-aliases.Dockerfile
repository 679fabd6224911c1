# source: hadolint DL3006Spec
# expect-not: DF-003
FROM golang:1.9.3-alpine3.7 AS build
RUN foo
FROM build as unit-test
RUN bar
FROM alpine:3.7
RUN baz
