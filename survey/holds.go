package survey

// HoldReason says why a kiosk's response was held for review rather than counted.
type HoldReason string

// The reasons a response is held.
const (
	HoldBurst     HoldReason = "burst"     // many responses at one counter within minutes
	HoldIdentical HoldReason = "identical" // a run of identical answers
	HoldHours     HoldReason = "hours"     // given outside opening hours
)

// HoldReasons lists the reasons in the order pages show them.
func HoldReasons() []HoldReason { return []HoldReason{HoldBurst, HoldIdentical, HoldHours} }

// Label names the reason.
func (r HoldReason) Label() Message {
	switch r {
	case HoldBurst:
		return Msg("held.reason.burst")
	case HoldIdentical:
		return Msg("held.reason.identical")
	}
	return Msg("held.reason.hours")
}
