# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN notdnf install tomcat
