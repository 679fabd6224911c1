# source: hadolint DL3033Spec
# expect-not: DF-027
FROM rockylinux:9
RUN yum module install -y tomcat:9 && yum clean all
