"""What every asset declares the same way: owner, kinds and tags for the operator's view in Dagster."""


OWNER = "team:clearinghouse"
TAGS = {"monitor": "sociaal-domein"}
