# source: hadolint DL3033Spec
# expect: DF-027
FROM rockylinux:9
RUN yum module install -y tomcat && yum clean all
