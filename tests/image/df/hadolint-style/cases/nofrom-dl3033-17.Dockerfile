# source: hadolint DL3033Spec (the spec's snippet as is, without a FROM line)
# expect: DF-027
RUN yum install -y tomcat && yum clean all
