// Every breaking case of the corpus must be blocked; prints the detection rate.
import { corpusSuite } from "./corpus-suite";

corpusSuite("breaking");
