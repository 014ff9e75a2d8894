"""The ground floor: the contract's vocabulary (errors, rules, columns, dates, settings, regions).

Every other package may import it; it imports none of them.
"""
