"""What the API returns (outputs) and accepts (inputs). Outputs never name a record the caller may not
open: related recommendations are read through the visibility selectors, in the views' querysets."""
