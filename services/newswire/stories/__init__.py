"""The story stage: syndicated and near-duplicate articles grouped into stories."""
