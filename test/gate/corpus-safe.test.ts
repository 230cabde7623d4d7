// Every safe case of the corpus must pass; prints the false-positive rate.
import { corpusSuite } from "./corpus-suite";

corpusSuite("safe");
