package survey

// MaxCodeLen bounds the codes of offices, counters, criteria and questions.
const MaxCodeLen = 64

// CheckCode is the one rule for the codes people type and files carry (offices,
// counters, questionnaire elements, criteria and questions): 1 to MaxCodeLen ASCII
// letters, digits, '-', '_' or '.', starting with a letter or a digit, as a code is part
// of a URL (the kiosk's) and a column name (the paper import's). It tells what is wrong
// as a fragment ("is empty."), or ok.
func CheckCode(v string) (Message, bool) {
	if v == "" {
		return Msg("paper.code.empty"), false
	}
	if len(v) > MaxCodeLen {
		return Msg("paper.code.too_long", MaxCodeLen), false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isCodeByte(c) {
			return Msg("paper.code.characters", v), false
		}
	}
	if !isAlnum(v[0]) {
		return Msg("paper.code.start", v), false
	}
	return Message{}, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isCodeByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }
