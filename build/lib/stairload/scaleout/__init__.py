"""A local Auto Scaling group: instances behind HAProxy, sized by a target-tracking policy.

``policy`` decides (pure), ``instances`` starts and samples processes, ``haproxy`` drives
the load balancer, ``aws_template`` writes the same setup as CloudFormation.
"""
